"""Constructor calls run under both our SDK and rerun-sdk 0.41; each must give identical batches.

Each case is `name -> expression` evaluated with `rr` (the SDK) and `np` in scope. Names ending
in `.columns` are column lists (from `X.columns(...)`), the rest archetypes.
"""

from __future__ import annotations

CASES: dict[str, str] = {
    # points, arrows, lines
    "points3d_basic": "rr.Points3D(np.arange(12, dtype=np.float64).reshape(4, 3))",
    "points3d_all": (
        "rr.Points3D([[1, 2, 3], [4, 5, 6]], radii=[0.5, 1], colors=[[255, 0, 0], [0, 255, 0, 128]],"
        " labels=['a', 'b'], show_labels=True, point_shading='flat', class_ids=[1, 2], keypoint_ids=[3, 4])"
    ),
    "points3d_int_dtype": "rr.Points3D(np.array([[1, 2, 3]], dtype=np.int16), radii=np.float16(0.25))",
    "points3d_keypoints_default_class": "rr.Points3D([0, 0, 0], keypoint_ids=[7])",
    "points3d_flat_color": "rr.Points3D([[0, 0, 0], [1, 1, 1]], colors=[0, 128, 255])",
    "points3d_float_colors": "rr.Points3D([[0, 0, 0]], colors=np.array([[1.0, 0.5, 0.25]]))",
    "points3d_hex_colors": "rr.Points3D([[0, 0, 0], [1, 1, 1]], colors=[0xFF0000FF, 0x00FF0080])",
    "points3d_uint32_colors": "rr.Points3D([[0, 0, 0]], colors=np.array([0x11223344], dtype=np.uint32))",
    "points3d_rgba_float32": "rr.Points3D([[0, 0, 0]] * 2, colors=np.array([[0, 0, 1, 0.5], [1, 1, 1, 1]], dtype=np.float32))",
    "points3d_empty": "rr.Points3D([])",
    "points2d_all": (
        "rr.Points2D(np.array([[1.5, 2.5], [3, 4]]), radii=2, colors=0xFF00FFFF, labels='one',"
        " draw_order=3, class_ids=np.array([5, 6], dtype=np.uint8), keypoint_ids=[1, 2])"
    ),
    "arrows3d": "rr.Arrows3D(vectors=[[1, 0, 0], [0, 1, 0]], origins=[[0, 0, 0], [1, 1, 1]], radii=0.1, labels=['x', 'y'])",
    "arrows2d": "rr.Arrows2D(vectors=[[1, 0]], origins=[[0, 0]], colors=[10, 20, 30], draw_order=1.5, class_ids=3)",
    "linestrips3d": "rr.LineStrips3D([[[0, 0, 0], [1, 1, 1]], [[2, 2, 2], [3, 3, 3], [4, 4, 4]]], radii=[0.1, 0.2], colors=[[255, 0, 0], [0, 0, 255]])",
    "linestrips3d_single": "rr.LineStrips3D(np.zeros((5, 3)))",
    "linestrips2d": "rr.LineStrips2D([np.array([[0, 0], [1, 1]]), np.array([[2, 2], [3, 3]])], labels=['a', 'b'], draw_order=2)",
    "linestrips2d_one_strip_list": "rr.LineStrips2D([[0, 0], [1, 1], [2, 0]])",
    # boxes & solids
    "boxes3d_sizes": "rr.Boxes3D(sizes=[[2, 4, 6]], centers=[[1, 1, 1]], fill_mode='solid')",
    "boxes3d_mins": "rr.Boxes3D(mins=[[0, 0, 0], [1, 1, 1]], sizes=[[1, 1, 1], [2, 2, 2]], labels=['a', 'b'])",
    "boxes3d_quats": "rr.Boxes3D(half_sizes=[1, 1, 1], quaternions=[rr.Quaternion(xyzw=[0, 0, 0, 1])])",
    "boxes3d_rotations_quat": "rr.Boxes3D(half_sizes=[1, 1, 1], rotations=rr.Quaternion(xyzw=[0, 0, 0, 1]))",
    "boxes3d_rotations_axis": "rr.Boxes3D(half_sizes=[1, 1, 1], rotations=[rr.RotationAxisAngle(axis=[0, 0, 1], degrees=45)])",
    "boxes3d_axis_angle": "rr.Boxes3D(half_sizes=[[1, 2, 3]], rotation_axis_angles=rr.RotationAxisAngle(axis=[1, 0, 0], radians=1.0), radii=0.01)",
    "boxes2d_xywh": "rr.Boxes2D(array=[10, 20, 30, 40], array_format=rr.Box2DFormat.XYWH, labels='box')",
    "boxes2d_xyxy": "rr.Boxes2D(array=np.array([[0, 0, 10, 10], [5, 5, 7, 9]]), array_format=rr.Box2DFormat.XYXY)",
    "boxes2d_yxhw": "rr.Boxes2D(array=[1, 2, 3, 4], array_format=rr.Box2DFormat.YXHW)",
    "boxes2d_yxyx": "rr.Boxes2D(array=[1, 2, 3, 4], array_format=rr.Box2DFormat.YXYX)",
    "boxes2d_xcycwh": "rr.Boxes2D(array=[1, 2, 3, 4], array_format=rr.Box2DFormat.XCYCWH)",
    "boxes2d_xcycw2h2": "rr.Boxes2D(array=[1, 2, 3, 4], array_format=rr.Box2DFormat.XCYCW2H2)",
    "boxes2d_mins": "rr.Boxes2D(mins=[[0, 0]], sizes=[[4, 2]], draw_order=5, class_ids=[1], radii=0.5)",
    "ellipsoids3d_radii": "rr.Ellipsoids3D(radii=[1, 2], centers=[[0, 0, 0], [5, 5, 5]], fill_mode=rr.components.FillMode.DenseWireframe)",
    "ellipsoids3d_half": "rr.Ellipsoids3D(half_sizes=[[1, 2, 3]], line_radii=0.1, colors=[255, 255, 0])",
    "capsules3d": "rr.Capsules3D(lengths=[1, 2], radii=[0.5, 0.25], translations=[[0, 0, 0], [1, 0, 0]], quaternions=[[0, 0, 0, 1], [0, 0, 0, 1]])",
    "cylinders3d": "rr.Cylinders3D(lengths=2, radii=1, centers=[0, 0, 1], rotation_axis_angles=[rr.RotationAxisAngle([0, 1, 0], rr.Angle(deg=30))], fill_mode='MajorWireframe')",
    "ellipses2d": "rr.Ellipses2D(half_sizes=[[1, 2]], centers=[[0, 0]], line_radii=0.2)",
    # plots & text
    "scalars_one": "rr.Scalars(3.5)",
    "scalars_many": "rr.Scalars(np.array([1, 2, 3], dtype=np.int32))",
    "series_lines": "rr.SeriesLines(colors=[255, 0, 0], widths=2, names='sin', aggregation_policy='MinMax', interpolation_mode=rr.components.InterpolationMode.StepAfter)",
    "series_lines_multi": "rr.SeriesLines(colors=[[255, 0, 0], [0, 255, 0]], names=['a', 'b'], visible_series=[True, False])",
    "series_points_default": "rr.SeriesPoints()",
    "series_points": "rr.SeriesPoints(colors=[0, 0, 255], markers='cross', marker_sizes=4, names='pts')",
    "bar_chart": "rr.BarChart([1, 2, 3, 4])",
    "bar_chart_float": "rr.BarChart(np.array([0.5, 1.5], dtype=np.float32), color=[255, 0, 0], abscissa=np.array([10, 20]), widths=[1, 2])",
    "text_log": "rr.TextLog('hello', level=rr.TextLogLevel.WARN, color=[255, 0, 0])",
    "text_log_str_level": "rr.TextLog('hi', level='INFO')",
    "text_document": "rr.TextDocument('# Title', media_type=rr.MediaType.MARKDOWN)",
    "text_document_plain": "rr.TextDocument('plain')",
    # transforms & cameras
    "transform3d_translation": "rr.Transform3D(translation=[1, 2, 3])",
    "transform3d_full": (
        "rr.Transform3D(translation=np.array([1, 2, 3]), rotation=rr.Quaternion(xyzw=[0, 0, 0.7071, 0.7071]),"
        " scale=[1, 2, 3], relation=rr.TransformRelation.ChildFromParent)"
    ),
    "transform3d_axis_angle": "rr.Transform3D(rotation=rr.RotationAxisAngle(axis=[0, 0, 1], degrees=90), scale=2.0)",
    "transform3d_mat3x3": "rr.Transform3D(mat3x3=[[1, 2, 3], [4, 5, 6], [7, 8, 9]], child_frame='cam', parent_frame='world')",
    "transform3d_quaternion": "rr.Transform3D(quaternion=[0, 0, 0, 1])",
    "transform3d_empty": "rr.Transform3D()",
    "instance_poses3d": "rr.InstancePoses3D(translations=[[0, 0, 0], [1, 1, 1]], scales=[[1, 1, 1], [2, 2, 2]], quaternions=[rr.Quaternion.identity()])",
    "pinhole_focal": "rr.Pinhole(focal_length=500, width=640, height=480)",
    "pinhole_focal_pp": "rr.Pinhole(focal_length=[300, 310], principal_point=[320, 240], resolution=[640, 480], camera_xyz=rr.ViewCoordinates.RDF, image_plane_distance=2.0)",
    "pinhole_matrix": "rr.Pinhole(image_from_camera=[[500, 0, 320], [0, 500, 240], [0, 0, 1]], resolution=[640, 480], color=[255, 255, 0], line_width=0.01)",
    "pinhole_fov": "rr.Pinhole(fov_y=0.7853, aspect_ratio=1.7777778, camera_xyz=rr.ViewCoordinates.RUB)",
    "view_coordinates_rdf": "rr.ViewCoordinates.RDF",
    "view_coordinates_handed": "rr.ViewCoordinates.RIGHT_HAND_Z_UP",
    "view_coordinates_luf": "rr.ViewCoordinates.LUF",
    "view_coordinates_ctor": "rr.ViewCoordinates(rr.components.ViewCoordinates.BLU)",
    # images & tensors
    "image_rgb": "rr.Image(np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3))",
    "image_gray_u16": "rr.Image(np.arange(6, dtype=np.uint16).reshape(2, 3), opacity=0.5, draw_order=2)",
    "image_rgba_float": "rr.Image(np.zeros((2, 2, 4), dtype=np.float32), magnification_filter='Linear')",
    "image_bgr": "rr.Image(np.zeros((2, 2, 3), dtype=np.uint8), color_model='BGR')",
    "image_nv12": "rr.Image(bytes=bytes(range(6 * 4)), width=4, height=4, pixel_format=rr.PixelFormat.NV12)",
    "image_yuy2": "rr.Image(bytes=bytes(range(16)), width=4, height=2, pixel_format=rr.PixelFormat.YUY2)",
    "image_bytes_model": "rr.Image(bytes=bytes(12), width=2, height=2, color_model=rr.ColorModel.RGB, datatype=rr.ChannelDatatype.U8)",
    "image_bytes_np_dtype": "rr.Image(bytes=bytes(8), width=2, height=2, color_model='L', datatype=np.uint16)",
    "image_squeeze": "rr.Image(np.zeros((1, 2, 3, 1), dtype=np.int8))",
    "depth_image": "rr.DepthImage(np.array([[1, 2], [3, 4]], dtype=np.uint16), meter=1000, colormap='viridis', depth_range=[0, 10], point_fill_ratio=0.5)",
    "depth_image_f32": "rr.DepthImage(np.ones((3, 2), dtype=np.float32), draw_order=-1, magnification_filter=rr.components.MagnificationFilter.Nearest)",
    "segmentation_image": "rr.SegmentationImage(np.array([[0, 1], [2, 3]], dtype=np.uint8), opacity=0.5)",
    "encoded_image": "rr.EncodedImage(contents=b'\\x89PNG fake', media_type='image/png', opacity=0.3)",
    "tensor": "rr.Tensor(np.arange(24, dtype=np.float64).reshape(2, 3, 4), dim_names=['a', 'b', 'c'])",
    "tensor_u8": "rr.Tensor(np.zeros((2, 2), dtype=np.uint8), value_range=[0, 255])",
    "tensor_i16": "rr.Tensor(np.arange(4, dtype=np.int16))",
    "tensor_f16": "rr.Tensor(np.ones(3, dtype=np.float16))",
    # meshes & assets
    "mesh3d": (
        "rr.Mesh3D(vertex_positions=[[0, 0, 0], [1, 0, 0], [0, 1, 0]], triangle_indices=[[0, 1, 2]],"
        " vertex_normals=[[0, 0, 1]] * 3, vertex_colors=[[255, 0, 0], [0, 255, 0], [0, 0, 255]],"
        " vertex_texcoords=[[0, 0], [1, 0], [0, 1]], albedo_factor=[200, 200, 200], face_rendering='Back', class_ids=[1])"
    ),
    "mesh3d_texture": "rr.Mesh3D(vertex_positions=np.zeros((3, 3)), albedo_texture=np.zeros((2, 2, 3), dtype=np.uint8))",
    "asset3d": "rr.Asset3D(contents=b'solid x', media_type=rr.MediaType.STL, albedo_factor=0xFF0000FF)",
    "asset_video": "rr.AssetVideo(contents=b'\\x00\\x00\\x00\\x18ftypmp42', media_type='video/mp4')",
    "video_frame_reference_ns": "rr.VideoFrameReference(nanoseconds=1500000000, video_reference='video')",
    "video_frame_reference_s": "rr.VideoFrameReference(seconds=1.25)",
    "video_stream": "rr.VideoStream(codec=rr.VideoCodec.H264, sample=b'\\x00\\x00\\x01', is_keyframe=True)",
    "video_stream_codec_only": "rr.VideoStream(rr.VideoCodec.AV1)",
    # annotation, clear, graphs, geo
    "annotation_context_tuples": "rr.AnnotationContext([(1, 'cat', (255, 0, 0)), (2, 'dog')])",
    "annotation_context_infos": "rr.AnnotationContext([rr.AnnotationInfo(id=1, label='a', color=[0, 255, 0]), rr.AnnotationInfo(3)])",
    "annotation_context_classes": (
        "rr.AnnotationContext(rr.ClassDescription(info=rr.AnnotationInfo(id=0, label='person'),"
        " keypoint_annotations=[rr.AnnotationInfo(0, 'nose'), (1, 'eye', [255, 0, 0])],"
        " keypoint_connections=[(0, 1)]))"
    ),
    "annotation_context_mixed": "rr.AnnotationContext([rr.ClassDescription(info=(5, 'x'), keypoint_connections=[(0, 1), (1, 2)]), (6, 'y')])",
    "clear_flat": "rr.Clear(recursive=False)",
    "clear_recursive": "rr.Clear.recursive()",
    "graph_nodes": "rr.GraphNodes(['a', 'b', 'c'], positions=[[0, 0], [1, 1], [2, 2]], labels=['A', 'B', 'C'], radii=[1, 2, 3], colors=[255, 0, 0])",
    "graph_edges": "rr.GraphEdges([('a', 'b'), ('b', 'c')], graph_type=rr.GraphType.Directed)",
    "graph_edges_undirected": "rr.GraphEdges([('a', 'b')], graph_type='undirected')",
    "geo_points": "rr.GeoPoints(lat_lon=[[59.3, 18.0], [40.7, -74.0]], radii=rr.Radius.ui_points(5.0), colors=[0, 0, 255])",
    "geo_points_single": "rr.GeoPoints(lat_lon=[59.3, 18.0])",
    "geo_line_strings": "rr.GeoLineStrings(lat_lon=[[[59.3, 18.0], [59.4, 18.1]], [[40, -74], [41, -73], [42, -72]]], radii=2.0, colors=[255, 0, 0])",
    "recording_info": "rr.archetypes.RecordingInfo(name='my recording', start_time=1700000000000000000)",
    "coordinate_frame": "rr.CoordinateFrame('base_link')",
    "transform_axes3d": "rr.TransformAxes3D(1.5, show_frame=True)",
    "measurements": "rr.Measurements([1.0, 2.0], variances=[0.1, 0.2], units=['m', 'm'], names=['x', 'y'])",
    # less common archetypes
    "gaussian_splats3d": "rr.GaussianSplats3D([[0, 0, 0]], scales=[[1, 1, 1]], quaternions=[[0, 0, 0, 1]], colors=[255, 0, 0], sh_coefficients=np.zeros((1, 15, 3)), spherical_harmonics_degree=1)",
    "volume3d": "rr.Volume3D(np.zeros((2, 2, 2), dtype=np.float32), voxel_size=[1, 1, 1], value_range=[0, 1], gamma=2.2, colormap='turbo', optical_density=0.5)",
    "voxel_grid_map": "rr.VoxelGridMap([[0, 0, 0], [1, 2, 3]], [0.1, 0.1, 0.1], values=[1, 2], colors=[[255, 0, 0], [0, 255, 0]])",
    "encoded_depth_image": "rr.EncodedDepthImage(b'\\x89PNG', media_type='image/png', meter=1000.0, colormap='Turbo')",
    "grid_map": "rr.GridMap(data=bytes(4), format=rr.encodings.ImageFormat(2, 2, color_model='L', channel_datatype='U8'), cell_size=0.5, translation=[1, 2, 3])",
    "state_change": "rr.StateChange(state='running')",
    "state_configuration": "rr.StateConfiguration(values=['on', 'off'], labels=['On', 'Off'], colors=[[0, 255, 0], [255, 0, 0]], visible=[True, True])",
    "mcap_channel": "rr.McapChannel(id=1, topic='/imu', message_encoding='cdr', metadata={'a': 'b'})",
    "mcap_schema": "rr.McapSchema(id=2, name='Imu', encoding='ros2msg', data=b'float64 x')",
    "mcap_message": "rr.McapMessage(b'raw')",
    "asset_audio": "rr.AssetAudio(contents=b'RIFF', media_type=rr.MediaType.WAV)",
    "scalars_list": "rr.Scalars([1, 2.5, np.float32(3)])",
    "scalars_np_f32": "rr.Scalars(np.float32(0.1))",
    # input variants people use
    "points3d_tuples": "rr.Points3D([(1, 2, 3), (4, 5, 6)], radii=[1, 2], labels=('x', 'y'), colors=np.array([[10, 20, 30], [40, 50, 60]], dtype=np.uint8))",
    "points3d_np_labels": "rr.Points3D(np.zeros((2, 3), dtype=np.float32), labels=np.array(['a', 'b']), colors=np.array([[0.1, 0.2, 0.3, 0.4], [1, 1, 1, 1]]))",
    "points2d_int": "rr.Points2D(np.array([[1, 2], [3, 4]], dtype=np.int64), draw_order=3, radii=np.array([1, 2], dtype=np.float16))",
    "linestrips3d_ragged_np": "rr.LineStrips3D([np.zeros((2, 3)), np.ones((4, 3)), np.zeros((0, 3))], colors=[0xFF0000FF, 0x00FF00FF, 0x0000FFFF])",
    "mesh3d_flat_indices": "rr.Mesh3D(vertex_positions=np.zeros(9), triangle_indices=[0, 1, 2], vertex_colors=np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]]))",
    "annotation_keypoints_lists": "rr.AnnotationContext([rr.ClassDescription(info=rr.AnnotationInfo(1, 'p'), keypoint_annotations=[(0, 'a'), (1, 'b')], keypoint_connections=[[0, 1]])])",
    "image_pil": "rr.Image(__import__('PIL.Image', fromlist=['Image']).fromarray(np.arange(12, dtype=np.uint8).reshape(2, 2, 3)))",
    "image_float64_gray": "rr.Image(np.linspace(0, 1, 6).reshape(2, 3))",
    "image_l_explicit": "rr.Image(np.zeros((2, 2), dtype=np.uint8), color_model='L')",
    "scalars_int8": "rr.Scalars(np.array([-1, 2], dtype=np.int8))",
    "text_log_error": "rr.TextLog('boom', level='ERROR')",
    "transform3d_from_parent": "rr.Transform3D(translation=np.array([1.0, 2.0, 3.0]), from_parent=True)",
    "transform3d_relation_str": "rr.Transform3D(translation=[0, 0, 1], relation='ParentFromChild')",
    "transform3d_mat_np": "rr.Transform3D(mat3x3=np.arange(9).reshape(3, 3), rotation=rr.RotationAxisAngle(axis=(1, 0, 0), angle=rr.Angle(rad=0.5)))",
    "pinhole_floats": "rr.Pinhole(focal_length=(320.5, 321.5), width=640.0, height=480.0, principal_point=np.array([320, 240]))",
    "graph_nodes_ints": "rr.GraphNodes([1, 2, 3], labels=['a', 'b', 'c'])",
    "geo_points_np": "rr.GeoPoints(lat_lon=np.array([[1.5, 2.5], [3.5, 4.5]]), colors=[[255, 0, 0], [0, 255, 0]])",
    "series_lines_hex": "rr.SeriesLines(colors=0xFF8800FF, widths=[1.5])",
    "depth_meter_int": "rr.DepthImage(np.ones((2, 2), dtype=np.float32), meter=1000)",
    "segmentation_i32": "rr.SegmentationImage(np.array([[1, 2], [3, 4]], dtype=np.int32))",
    "video_frame_component": "rr.VideoFrameReference(timestamp=rr.components.VideoTimestamp(seconds=0.5))",
    "encoded_image_path": "(open('/tmp/_rr_case_img.png', 'wb').write(b'\\x89PNG\\r\\n'), rr.EncodedImage(path='/tmp/_rr_case_img.png'))[1]",
    "asset3d_path": "(open('/tmp/_rr_case_model.glb', 'wb').write(b'glTF'), rr.Asset3D(path='/tmp/_rr_case_model.glb'))[1]",
    "asset_video_path": "(open('/tmp/_rr_case_video.mp4', 'wb').write(b'\\x00'), rr.AssetVideo(path='/tmp/_rr_case_video.mp4'))[1]",
    "boxes2d_f32_array": "rr.Boxes2D(array=np.array([[0, 0, 2, 2]], dtype=np.float32), array_format=rr.Box2DFormat.XYWH, class_ids=[7])",
    "arrows3d_single": "rr.Arrows3D(vectors=[1, 2, 3])",
    "instance_poses_mat": "rr.InstancePoses3D(mat3x3=[np.eye(3), 2 * np.eye(3)])",
    "clear_true": "rr.Clear(recursive=True)",
    "video_stream_np_sample": "rr.VideoStream(rr.VideoCodec.H265, sample=np.arange(5, dtype=np.uint8))",
    "asset3d_np_contents": "rr.Asset3D(contents=np.frombuffer(b'solid', dtype=np.uint8), media_type='model/stl')",
    # described component batches
    "described_custom": "[rr.components.ColorBatch([255, 0, 0]).described(rr.ComponentDescriptor('my:color', component_type='rerun.components.Color'))]",
    "described_mixed": "[*rr.Points3D([0, 0, 0]).as_component_batches(), rr.components.RadiusBatch(2.0).described(rr.Points3D.descriptor_radii())]",
    # free-form values
    "any_values": (
        "rr.AnyValues(av_int=1, av_str='x', av_list=[1, 2, 3], av_f32=np.array([1.5, 2.5], np.float32),"
        " av_bool=True, av_float=1.5, av_bytes=b'by', av_batch=rr.components.ColorBatch([255, 0, 0]),"
        " av_none=None, av_empty=[], av_strs=['a', 'b'], av_ragged=[[1, 2], [3]], av_u8=np.uint8(3))"
    ),
    "any_values_override": "rr.AnyValues(ao_a=1).with_component_from_data('ao_b', [1.0]).with_component_override('ao_c', 'rerun.components.Color', [1, 2])",
    "dynamic_archetype": "rr.DynamicArchetype('MyArch', components={'dx': [1, 2], 'dy': 'hi'}).with_component_override('dz', 'rerun.components.Scalar', 3.0)",
    "any_values.columns": "rr.AnyValues.columns(avc_a=[1, 2, 3], avc_b=['x', 'y', 'z'], avc_c=[[1, 2], [3]])",
    "dynamic_archetype.columns": "rr.DynamicArchetype.columns('MyArch', components={'dca': np.array([1.0, 2.0])})",
    # from_fields / cleared
    "points3d_cleared": "rr.Points3D.cleared()",
    "boxes3d_from_fields": "rr.Boxes3D.from_fields(half_sizes=[[1, 1, 1]], clear_unset=True)",
    "transform3d_from_fields": "rr.Transform3D.from_fields(translation=[1, 2, 3])",
    "transform3d_cleared": "rr.Transform3D.cleared()",
    "scalars_cleared": "rr.Scalars.cleared()",
    # columns
    "scalars.columns": "rr.Scalars.columns(scalars=np.arange(5, dtype=np.float64))",
    "points3d.columns": "rr.Points3D.columns(positions=np.arange(18, dtype=np.float32).reshape(6, 3), radii=np.ones(6)).partition([2, 4])",
    "points3d_2d.columns": "rr.Points3D.columns(positions=np.zeros((4, 2, 3)), colors=[[255, 0, 0]] * 4)",
    "series_lines.columns": "rr.SeriesLines.columns(colors=[[255, 0, 0], [0, 255, 0]], names=['a', 'b'])",
    "video_frame_reference.columns": "rr.VideoFrameReference.columns_nanos(np.array([0, 33, 66]))",
    "text_log.columns": "rr.TextLog.columns(text=['a', 'b', 'c'], level=['INFO', 'WARN', 'ERROR'])",
    "image.columns": "rr.Image.columns(buffer=np.arange(36, dtype=np.uint8).reshape(3, 12))",
    "video_stream.columns": "rr.VideoStream.columns(sample=[b'\\x00\\x01', b'\\x02'], is_keyframe=[True, False])",
    "transform3d.columns": "rr.Transform3D.columns(translation=[[1, 2, 3], [4, 5, 6]], scale=[[1, 1, 1], [2, 2, 2]])",
}

# Bad input: in strict mode both SDKs must raise (the same exception class, unless noted).
ERROR_CASES: dict[str, str] = {
    "points_shape": "rr.Points3D(np.zeros((2, 2)))",
    "points_str": "rr.Points3D('abc')",
    "radii_str": "rr.Points3D([0, 0, 0], radii='big')",
    "colors_str": "rr.Points3D([0, 0, 0], colors='red')",
    "enum_bad": "rr.Boxes3D(half_sizes=[1, 1, 1], fill_mode='sparkly')",
    "image_4d": "rr.Image(np.zeros((2, 2, 2, 2)))",
    "image_channels": "rr.Image(np.zeros((2, 2, 4), dtype=np.uint8), color_model='BGR')",
    "depth_3d": "rr.DepthImage(np.zeros((2, 2, 3)))",
    "asset_none": "rr.Asset3D()",
    "boxes_both": "rr.Boxes3D(sizes=[1, 1, 1], half_sizes=[1, 1, 1])",
    "pinhole_none": "rr.Pinhole()",
    "scalars_str": "rr.Scalars('x')",
    "transform_rot_bad": "rr.Transform3D(rotation=[1, 2, 3])",
    "unknown_kw": "rr.Points3D([0, 0, 0], sizes=1)",
    "missing_req": "rr.Points3D()",
    "encoded_no_mt": "rr.EncodedImage(contents=b'x')",
    "vfr_none": "rr.VideoFrameReference()",
    "mat_bad": "rr.Transform3D(mat3x3=[1, 2, 3])",
    "class_ids_neg": "rr.Points3D([0, 0, 0], class_ids=[-1])",
}
